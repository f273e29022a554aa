#!/usr/bin/env bash
# Kernel demo: runs one conv1d forward and backward through the engine this JVM selects. Replaced by `conv1d demo`.
set -euo pipefail
cd "$(dirname "$0")"
cp=target/classes
[ -d "$cp" ] || { echo "build first: mvn -B -q install -DskipTests" >&2; exit 1; }
exec java --add-modules=jdk.incubator.vector -cp "$cp" dev.conv1d.kernels.Demo "$@"
