//go:build ignore

// gen_font extracts the glyphs listed in font/chars.txt (plus printable
// ASCII) from GNU Unifont's unifont.hex into font/unifont-subset.hex.
//
//	apt-get install -y unifont   # Debian: /usr/share/unifont/unifont.hex
//	go generate ./firmware-bridge
package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

func main() {
	src := "/usr/share/unifont/unifont.hex"
	if len(os.Args) > 1 {
		src = os.Args[1]
	}
	if err := run(src, "font/chars.txt", "font/unifont-subset.hex"); err != nil {
		fmt.Fprintln(os.Stderr, "gen_font:", err)
		os.Exit(1)
	}
}

func run(src, charsPath, out string) error {
	want := map[rune]bool{}
	for r := rune(0x20); r < 0x7F; r++ {
		want[r] = true
	}
	chars, err := os.ReadFile(charsPath)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(chars), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, r := range line {
			if !unicode.IsSpace(r) {
				want[r] = true
			}
		}
	}
	f, err := os.Open(src)
	if err != nil {
		f, err = os.Open(src + ".gz")
		if err != nil {
			return err
		}
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(f.Name(), ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return err
		}
		r = zr
	}
	got := map[rune]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		cp, glyph, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(cp, 16, 32)
		if err != nil {
			continue
		}
		if want[rune(n)] {
			got[rune(n)] = glyph
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	var keys []rune
	for k := range want {
		if _, ok := got[k]; !ok {
			return fmt.Errorf("glyph U+%04X %q not in %s", k, k, src)
		}
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%04X:%s\n", k, got[k])
	}
	return os.WriteFile(out, []byte(b.String()), 0o644)
}
