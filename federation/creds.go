package federation

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
)

// ReadCreds reads a --county-creds file: one line USER:PASSWORD, the
// hall's own credentials on the hub. A file others may read, or one that
// is not exactly that line, is refused: a hall would otherwise start and
// fail to link hours later, or leak its password to every user of the PC.
func ReadCreds(path string) (user, password string, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", "", fmt.Errorf("--county-creds: %w", err)
	}
	// Windows keeps permissions in ACLs, which Mode does not show.
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o007 != 0 {
		return "", "", fmt.Errorf("--county-creds %s: readable by every user of this machine (mode %04o); chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", "", fmt.Errorf("--county-creds: %w", err)
	}
	data = bytes.TrimSuffix(bytes.TrimSuffix(data, []byte("\n")), []byte("\r"))
	line := string(data)
	user, password, ok := strings.Cut(line, ":")
	switch {
	case strings.ContainsAny(line, "\r\n"):
		return "", "", fmt.Errorf("--county-creds %s: want one line USER:PASSWORD, found several lines", path)
	case !ok || user == "" || password == "":
		return "", "", fmt.Errorf("--county-creds %s: want one line USER:PASSWORD (the hall's user on the county hub)", path)
	case strings.ContainsAny(user, " \t") || user != strings.TrimSpace(user):
		return "", "", fmt.Errorf("--county-creds %s: the user name has a space in it", path)
	}
	return user, password, nil
}
