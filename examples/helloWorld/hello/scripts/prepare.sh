#!/bin/bash
# Runs in the nodeapp directory, where the sources of hello/src/ have just been unpacked.
set -eu
echo '-->prepared' > hello.txt
echo "helloPrinter prepared on $OCTOPODA_NODENAME" >> "$OCTOPODA_OUTPUT"
