package federation

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
)

// ReadCreds reads a credentials file: one line USER:PASSWORD, a hall's
// (--county-creds) or the county service's (--nats-creds) own user on the
// hub; its errors name the file, the caller the flag. A file others may
// read, or one that is not exactly that line, is refused: a hall would
// otherwise start and fail to link hours later, or leak its password to
// every user of the PC.
func ReadCreds(path string) (user, password string, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", "", err
	}
	// Windows keeps permissions in ACLs, which Mode does not show.
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o007 != 0 {
		return "", "", fmt.Errorf("%s: readable by every user of this machine (mode %04o); chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", "", err
	}
	data = bytes.TrimSuffix(bytes.TrimSuffix(data, []byte("\n")), []byte("\r"))
	line := string(data)
	user, password, ok := strings.Cut(line, ":")
	switch {
	case strings.ContainsAny(line, "\r\n"):
		return "", "", fmt.Errorf("%s: want one line USER:PASSWORD, found several lines", path)
	case !ok || user == "" || password == "":
		return "", "", fmt.Errorf("%s: want one line USER:PASSWORD (its own user on the county hub)", path)
	case strings.ContainsAny(user, " \t") || user != strings.TrimSpace(user):
		return "", "", fmt.Errorf("%s: the user name has a space in it", path)
	}
	return user, password, nil
}
