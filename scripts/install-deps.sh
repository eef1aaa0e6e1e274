#!/bin/sh
# Installs every build and test dependency from Debian's packages.
set -eu
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends \
  build-essential cmake pkg-config ca-certificates \
  libcurl4-openssl-dev libssl-dev libjansson-dev libxml2-dev \
  libcriterion-dev libmicrohttpd-dev
