#!/bin/bash
set -eu
echo 'stopped' > hello.txt
echo "helloPrinter stopped on $OCTOPODA_NODENAME" >> "$OCTOPODA_OUTPUT"
