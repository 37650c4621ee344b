#!/bin/bash
set -eu
echo 'stopped' > helloworld.txt
echo "helloWorldPrinter stopped on $OCTOPODA_NODENAME" >> "$OCTOPODA_OUTPUT"
