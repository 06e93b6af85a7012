package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
)

// The lobby page announces calls by playing these short clips one after
// another. voice/make-clips.sh made them; a hall may replace them with its
// own recordings (same names), either in the source tree or, without
// rebuilding, in the directory given by Config.VoiceDir (yimen's
// --voice-dir or YIMEN_VOICE_DIR): a file there takes the place of the
// embedded one of the same name.
//
//go:embed voice/*.ogg
var voiceFS embed.FS

var clipName = regexp.MustCompile(`^[a-z0-9]{1,16}\.ogg$`)

// voiceSet is the clips the daemon serves, read once at start.
type voiceSet struct {
	clips   map[string]*asset
	version string // changes when any clip changes, for the page's URLs
}

func loadVoice(overrideDir string) *voiceSet {
	vs := &voiceSet{clips: map[string]*asset{}}
	entries, _ := fs.ReadDir(voiceFS, "voice")
	for _, e := range entries {
		if b, err := voiceFS.ReadFile("voice/" + e.Name()); err == nil {
			vs.clips[e.Name()] = newAsset(e.Name(), b)
		}
	}
	if overrideDir != "" {
		if entries, err := os.ReadDir(overrideDir); err == nil {
			for _, e := range entries {
				if !clipName.MatchString(e.Name()) || e.IsDir() {
					continue
				}
				if b, err := os.ReadFile(filepath.Join(overrideDir, e.Name())); err == nil {
					vs.clips[e.Name()] = newAsset(e.Name(), b)
				}
			}
		}
	}
	names := make([]string, 0, len(vs.clips))
	for n := range vs.clips {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n + vs.clips[n].hash))
	}
	vs.version = hex.EncodeToString(h.Sum(nil)[:6])
	return vs
}

func (s *Server) voiceRoutes(m *http.ServeMux) {
	vs := loadVoice(s.voiceDir)
	m.HandleFunc("GET /voice/{name}", func(w http.ResponseWriter, r *http.Request) {
		a, ok := vs.clips[r.PathValue("name")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "audio/ogg")
		a.serve(w, r)
	})
	// The page asks which version of the clips to fetch, so a replaced clip
	// is never stale in a TV's cache.
	m.HandleFunc("GET /voice/", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"version": vs.version})
	})
}
