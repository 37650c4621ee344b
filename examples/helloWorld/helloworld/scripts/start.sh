#!/bin/bash
set -eu
echo 'hello world' >> helloworld.txt
echo "helloWorldPrinter wrote 'hello world' on $OCTOPODA_NODENAME" >> "$OCTOPODA_OUTPUT"
