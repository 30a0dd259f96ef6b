package picture

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// URLLifetime is how long a signed picture URL works: long enough for a
// screen that shows it, short enough that a leaked one soon stops working.
const URLLifetime = time.Hour

// SignedPath is the path of an account's org-map picture with an expiry and
// a signature, so that a page can show it in an <img> without sending a
// token: the signature vouches that a signed-in user asked for it.
func SignedPath(key []byte, accountID int, now time.Time) string {
	expires := strconv.FormatInt(now.Add(URLLifetime).Unix(), 10)
	q := url.Values{"expires": {expires}, "signature": {signature(key, accountID, expires)}}
	return fmt.Sprintf("/accounts/%d/orgmap.svg?%s", accountID, q.Encode())
}

// Signed tells whether expires and sig are a signature of key for the
// account's picture that has not expired at now.
func Signed(key []byte, accountID int, expires, sig string, now time.Time) bool {
	at, err := strconv.ParseInt(expires, 10, 64)
	if err != nil || now.Unix() > at {
		return false
	}
	return hmac.Equal([]byte(sig), []byte(signature(key, accountID, expires)))
}

func signature(key []byte, accountID int, expires string) string {
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "orgmap.svg\x00%d\x00%s", accountID, expires)
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}
