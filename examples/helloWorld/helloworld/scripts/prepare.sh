#!/bin/bash
# Runs in the nodeapp directory, where the sources of helloworld/src/ have just been unpacked.
set -eu
echo '-->prepared' > helloworld.txt
echo "helloWorldPrinter prepared on $OCTOPODA_NODENAME" >> "$OCTOPODA_OUTPUT"
