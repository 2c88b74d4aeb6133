package wire

import (
	"encoding/json"
	"fmt"
	"os"
)

// ConnectionInfo is the content of a Jupyter connection file, written by the
// front end that starts the kernel.
type ConnectionInfo struct {
	Transport       string `json:"transport"`
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	ControlPort     int    `json:"control_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name,omitempty"`
}

// ReadConnectionFile reads and checks the connection file at path.
func ReadConnectionFile(path string) (ConnectionInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return ConnectionInfo{}, fmt.Errorf("wire: connection file: %w", err)
	}
	info, err := ParseConnectionInfo(data)
	if err != nil {
		return ConnectionInfo{}, fmt.Errorf("wire: connection file %s: %w", path, err)
	}
	return info, nil
}

// ParseConnectionInfo decodes and checks a connection file's JSON.
func ParseConnectionInfo(data []byte) (ConnectionInfo, error) {
	var info ConnectionInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return ConnectionInfo{}, err
	}
	if info.Transport == "" {
		info.Transport = "tcp"
	}
	if info.Transport != "tcp" && info.Transport != "ipc" {
		return ConnectionInfo{}, fmt.Errorf("transport %q: want tcp or ipc", info.Transport)
	}
	if info.IP == "" {
		info.IP = "127.0.0.1"
	}
	if info.SignatureScheme == "" {
		info.SignatureScheme = "hmac-sha256"
	}
	if info.SignatureScheme != "hmac-sha256" {
		return ConnectionInfo{}, fmt.Errorf("signature_scheme %q: only hmac-sha256 is supported", info.SignatureScheme)
	}
	for _, p := range []struct {
		name string
		port int
	}{
		{"shell_port", info.ShellPort}, {"control_port", info.ControlPort},
		{"iopub_port", info.IOPubPort}, {"stdin_port", info.StdinPort}, {"hb_port", info.HBPort},
	} {
		if p.port < 0 || p.port > 65535 {
			return ConnectionInfo{}, fmt.Errorf("%s %d: want a port in 0..65535 (0 picks a free one)", p.name, p.port)
		}
	}
	return info, nil
}

// Endpoint returns the ZeroMQ endpoint for one of the info's ports.
func (c ConnectionInfo) Endpoint(port int) string {
	if c.Transport == "ipc" {
		return fmt.Sprintf("ipc://%s-%d", c.IP, port)
	}
	return fmt.Sprintf("tcp://%s:%d", c.IP, port)
}
