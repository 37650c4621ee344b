#!/bin/bash
set -eu
rm -f hello.txt
echo "helloPrinter purged on $OCTOPODA_NODENAME" >> "$OCTOPODA_OUTPUT"
