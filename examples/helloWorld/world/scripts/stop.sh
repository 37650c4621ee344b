#!/bin/bash
set -eu
echo 'stopped' > world.txt
echo "worldPrinter stopped on $OCTOPODA_NODENAME" >> "$OCTOPODA_OUTPUT"
