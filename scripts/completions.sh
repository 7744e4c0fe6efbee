#!/bin/sh
# Writes gapdeck's shell completion scripts to completions/ (GoReleaser's
# before hook; the release archives ship them).
set -eu
cd "$(dirname "$0")/.."
rm -rf completions
mkdir completions
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/gapdeck" .
for sh in bash zsh fish; do
	"$bin/gapdeck" completion "$sh" >"completions/gapdeck.$sh"
done
