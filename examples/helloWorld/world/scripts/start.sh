#!/bin/bash
set -eu
echo 'world' >> world.txt
echo "worldPrinter wrote 'world' on $OCTOPODA_NODENAME" >> "$OCTOPODA_OUTPUT"
