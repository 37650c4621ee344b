#!/bin/bash
# Runs in the nodeapp directory, where the sources of world/src/ have just been unpacked.
set -eu
echo '-->prepared' > world.txt
echo "worldPrinter prepared on $OCTOPODA_NODENAME" >> "$OCTOPODA_OUTPUT"
