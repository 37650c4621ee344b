#!/bin/bash
set -eu
rm -f helloworld.txt
echo "helloWorldPrinter purged on $OCTOPODA_NODENAME" >> "$OCTOPODA_OUTPUT"
