package kernel

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Spec is a kernelspec's kernel.json.
type Spec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata"`
}

// NewSpec returns the kernelspec that runs binary (an absolute path) as the
// kernel.
func NewSpec(binary string) Spec {
	return Spec{
		Argv:          []string{binary, "kernel", "--connection-file", "{connection_file}"},
		DisplayName:   "Go (gostream)",
		Language:      "go",
		InterruptMode: "message",
		Metadata:      map[string]any{},
	}
}

var kernelNameRE = regexp.MustCompile(`^[a-z0-9._-]+$`)

// KernelsDir returns where `jupyter kernelspec install` puts kernelspecs:
// PREFIX/share/jupyter/kernels with a prefix, the user's Jupyter data
// directory with user, and the system-wide directory otherwise.
func KernelsDir(user bool, prefix string) (string, error) {
	switch {
	case prefix != "":
		abs, err := filepath.Abs(prefix)
		if err != nil {
			return "", err
		}
		return filepath.Join(abs, "share", "jupyter", "kernels"), nil
	case user:
		dir, err := jupyterDataDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(dir, "kernels"), nil
	}
	return "/usr/local/share/jupyter/kernels", nil
}

// jupyterDataDir follows jupyter_core's jupyter_data_dir on Linux.
func jupyterDataDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return filepath.Abs(d)
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "jupyter"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("kernel: no home directory for --user: %w", err)
	}
	return filepath.Join(home, ".local", "share", "jupyter"), nil
}

// Install writes the kernelspec directory kernelsDir/name (kernel.json and
// logos) for binary, replacing one already there, and returns its path.
func Install(kernelsDir, name, binary string) (string, error) {
	name = strings.ToLower(name)
	if !kernelNameRE.MatchString(name) {
		return "", fmt.Errorf("kernel: install: kernel name %q: use letters, digits, '.', '_' and '-'", name)
	}
	if !filepath.IsAbs(binary) {
		return "", fmt.Errorf("kernel: install: binary path %q is not absolute", binary)
	}
	dir := filepath.Join(kernelsDir, name)
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("kernel: install: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("kernel: install: %w", err)
	}
	spec, err := json.MarshalIndent(NewSpec(binary), "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "kernel.json"), append(spec, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("kernel: install: %w", err)
	}
	for _, size := range []int{32, 64} {
		if err := writeLogo(filepath.Join(dir, fmt.Sprintf("logo-%dx%d.png", size, size)), size); err != nil {
			return "", fmt.Errorf("kernel: install: %w", err)
		}
	}
	return dir, nil
}

func writeLogo(path string, size int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, Logo(size)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Logo draws gostream's logo at size×size pixels: three white stream
// waves on a Go-blue rounded square.
func Logo(size int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	blue := color.NRGBA{0x00, 0xAD, 0xD8, 0xFF}
	s := float64(size)
	radius := s / 5
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			// Distance outside the rounded square's inner rectangle.
			dx := math.Max(math.Max(radius-px, px-(s-radius)), 0)
			dy := math.Max(math.Max(radius-py, py-(s-radius)), 0)
			if cover := radius - math.Hypot(dx, dy) + 0.5; cover > 0 {
				c := blue
				c.A = uint8(255 * math.Min(cover, 1))
				img.SetNRGBA(x, y, c)
			}
		}
	}
	thick := s / 16
	for i := 0; i < 3; i++ {
		base := s * (0.3 + 0.2*float64(i))
		for x := 0; x < size; x++ {
			px := float64(x) + 0.5
			if px < s*0.15 || px > s*0.85 {
				continue
			}
			wave := base + s*0.06*math.Sin((px/s)*2*math.Pi*1.5+float64(i))
			for y := 0; y < size; y++ {
				d := math.Abs(float64(y) + 0.5 - wave)
				if cover := thick/2 - d + 0.5; cover > 0 {
					a := math.Min(cover, 1)
					c := img.NRGBAAt(x, y)
					c.R = uint8(float64(c.R)*(1-a) + 255*a)
					c.G = uint8(float64(c.G)*(1-a) + 255*a)
					c.B = uint8(float64(c.B)*(1-a) + 255*a)
					img.SetNRGBA(x, y, c)
				}
			}
		}
	}
	return img
}
