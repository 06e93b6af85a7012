#!/bin/sh
# Build and run the host unit test of the portable C codec against the
# shared vectors. Usage: firmware-bridge/firmware/test.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$here/YimenProto/src
cc=${CC:-gcc}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
$cc -std=c99 -Wall -Wextra -Werror -pedantic -I"$src" -O1 -g -fsanitize=address,undefined \
	-o "$out/test_proto" "$src/proto.c" "$src/hmac_sha256.c" "$here/test_proto.c" 2>/dev/null ||
	$cc -std=c99 -Wall -Wextra -Werror -pedantic -I"$src" -O1 -g \
		-o "$out/test_proto" "$src/proto.c" "$src/hmac_sha256.c" "$here/test_proto.c"
"$out/test_proto" "$here/../proto/testdata/vectors.txt"
