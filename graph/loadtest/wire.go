package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
)

// wire is one keep-alive HTTP/1.1 connection that sends the same POST again
// and again and reads each answer whole. A round's clients send through it
// rather than net/http's client, whose hand-offs between goroutines cost
// about as much CPU per request as a small answer costs the server, on the
// same cores: the wire keeps the load tool's share out of the comparison.
type wire struct {
	addr    string
	request []byte
	conn    net.Conn
	r       *bufio.Reader
}

// newWire prepares the request; it connects on the first post. Only plain
// http:// URLs: for others it returns nil, and the round uses net/http.
func newWire(rawURL, token string, body []byte) *wire {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil
	}
	head := "POST " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host +
		"\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n"
	if token != "" {
		head += "Authorization: Bearer " + token + "\r\n"
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	return &wire{addr: addr, request: append([]byte(head+"\r\n"), body...)}
}

// post sends the request and returns the answer's body: an error for any
// status but 200 or an answer with errors, as loader.post. A kept connection
// that fails before an answer (the server closed it meanwhile) is dialled
// again once, as net/http's client does.
func (w *wire) post() ([]byte, error) {
	reused := w.conn != nil
	status, body, err := w.exchange()
	if reused && status == 0 && err != nil {
		status, body, err = w.exchange()
	}
	if err == nil {
		err = refused(status, body)
	}
	return body, err
}

// exchange writes the request on the connection, dialled if there is none, and reads the answer.
func (w *wire) exchange() (int, []byte, error) {
	if w.conn == nil {
		conn, err := net.Dial("tcp", w.addr)
		if err != nil {
			return 0, nil, err
		}
		w.conn, w.r = conn, bufio.NewReaderSize(conn, 64<<10)
	}
	if _, err := w.conn.Write(w.request); err != nil {
		w.close()
		return 0, nil, err
	}
	status, body, keep, err := readAnswer(w.r)
	if err != nil || !keep {
		w.close()
	}
	return status, body, err
}

func (w *wire) close() {
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
}

// readAnswer reads one HTTP/1.1 response: its status, its body (by
// Content-Length or chunked), and whether the connection stays open.
func readAnswer(r *bufio.Reader) (status int, body []byte, keep bool, err error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return 0, nil, false, err
	}
	f := bytes.Fields(line)
	if len(f) < 2 || !bytes.HasPrefix(f[0], []byte("HTTP/1.")) {
		return 0, nil, false, fmt.Errorf("not an HTTP response: %q", line)
	}
	if status, err = strconv.Atoi(string(f[1])); err != nil {
		return 0, nil, false, fmt.Errorf("no status: %q", line)
	}
	length, chunked, keep := -1, false, string(f[0]) == "HTTP/1.1"
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return 0, nil, false, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, nil, false, fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			keep = !bytes.EqualFold(value, []byte("close"))
		}
	}
	switch {
	case chunked:
		body, err = readChunks(r)
	case length >= 0:
		body = make([]byte, length)
		_, err = io.ReadFull(r, body)
	default: // the body runs to the end of the connection
		body, err = io.ReadAll(r)
		keep = false
	}
	return status, body, keep && err == nil, err
}

func readChunks(r *bufio.Reader) ([]byte, error) {
	var body []byte
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return nil, err
		}
		size, _, _ := bytes.Cut(bytes.TrimSpace(line), []byte(";"))
		n, err := strconv.ParseUint(string(size), 16, 31)
		if err != nil {
			return nil, fmt.Errorf("bad chunk size %q", line)
		}
		if n == 0 {
			// trailers, if any, end with an empty line
			for {
				line, err := r.ReadSlice('\n')
				if err != nil {
					return nil, err
				}
				if len(bytes.TrimRight(line, "\r\n")) == 0 {
					return body, nil
				}
			}
		}
		start := len(body)
		body = append(body, make([]byte, n)...)
		if _, err := io.ReadFull(r, body[start:]); err != nil {
			return nil, err
		}
		if crlf, err := r.ReadSlice('\n'); err != nil || len(bytes.TrimRight(crlf, "\r\n")) != 0 {
			return nil, errors.Join(errors.New("a chunk does not end with CRLF"), err)
		}
	}
}
