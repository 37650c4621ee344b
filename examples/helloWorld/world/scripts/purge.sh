#!/bin/bash
set -eu
rm -f world.txt
echo "worldPrinter purged on $OCTOPODA_NODENAME" >> "$OCTOPODA_OUTPUT"
