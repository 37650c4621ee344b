#!/bin/bash
# The custom target: only helloPrinter has it, so `octl scen apply helloWorld greet` skips the other apps.
set -eu
echo "hello from $OCTOPODA_NODENAME at $(date -u +%FT%TZ)" | tee -a hello.txt >> "$OCTOPODA_OUTPUT"
