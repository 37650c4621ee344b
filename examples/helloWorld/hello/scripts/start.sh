#!/bin/bash
set -eu
echo 'hello' >> hello.txt
echo "helloPrinter wrote 'hello' on $OCTOPODA_NODENAME" >> "$OCTOPODA_OUTPUT"
