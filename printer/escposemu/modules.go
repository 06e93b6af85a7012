package escposemu

import "errors"

// Modules recovers a QR code's module matrix from a raster image of it
// without a quiet zone: it finds the dark bounding box, takes the module
// size from the top-left finder pattern (7 modules wide), and samples the
// centre of every module.
func Modules(img *Image) ([][]bool, error) {
	top, left := -1, -1
	for y, row := range img.Bits {
		for x, on := range row {
			if on {
				top, left = y, x
				break
			}
		}
		if top >= 0 {
			break
		}
	}
	if top < 0 {
		return nil, errors.New("escposemu: blank image")
	}
	run := 0
	for x := left; x < img.Width && img.Bits[top][x]; x++ {
		run++
	}
	if run%7 != 0 {
		return nil, errors.New("escposemu: finder pattern is not 7 modules")
	}
	m := run / 7
	right := left
	for x := img.Width - 1; x >= left; x-- {
		if img.Bits[top][x] {
			right = x
			break
		}
	}
	n := (right - left + 1) / m
	if n < 21 || (n-21)%4 != 0 || top+n*m > img.Height {
		return nil, errors.New("escposemu: not a QR symbol")
	}
	out := make([][]bool, n)
	for y := range out {
		out[y] = make([]bool, n)
		for x := range out[y] {
			out[y][x] = img.Bits[top+y*m+m/2][left+x*m+m/2]
		}
	}
	return out, nil
}
