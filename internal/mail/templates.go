package mail

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	texttemplate "text/template"

	"github.com/latchhq/latch"
)

//go:embed templates/*
var embedded embed.FS

// Kinds lists every message kind; each has a <kind>.txt and a <kind>.html
// template.
var Kinds = []latch.MailKind{latch.MailResetPassword, latch.MailVerifyEmail, latch.MailChangeEmail, latch.MailDeleteAccount}

// TemplateData is what the templates see.
type TemplateData struct {
	// Name is the recipient's display name (may be empty).
	Name string
	// Email is the recipient address.
	Email string
	// URL is the link to follow.
	URL string
}

// Templates renders messages. The .txt template starts with a
// "Subject: ..." line and a blank line; the rest is the plain-text body.
type Templates struct {
	text map[latch.MailKind]*texttemplate.Template
	html map[latch.MailKind]*htmltemplate.Template
}

// DefaultTemplates returns the embedded templates.
func DefaultTemplates() *Templates {
	t, err := LoadTemplates("")
	if err != nil {
		panic("mail: embedded templates: " + err.Error())
	}
	return t
}

// LoadTemplates parses the embedded templates, each replaced by the file
// of the same name in dir when dir is not empty and holds one. Every
// template is rendered once with sample data so that errors show at start.
func LoadTemplates(dir string) (*Templates, error) {
	t := &Templates{text: map[latch.MailKind]*texttemplate.Template{}, html: map[latch.MailKind]*htmltemplate.Template{}}
	read := func(name string) (string, error) {
		if dir != "" {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err == nil {
				return string(b), nil
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return "", err
			}
		}
		b, err := embedded.ReadFile("templates/" + name)
		return string(b), err
	}
	for _, k := range Kinds {
		src, err := read(string(k) + ".txt")
		if err != nil {
			return nil, err
		}
		tt, err := texttemplate.New(string(k) + ".txt").Option("missingkey=error").Parse(src)
		if err != nil {
			return nil, err
		}
		src, err = read(string(k) + ".html")
		if err != nil {
			return nil, err
		}
		ht, err := htmltemplate.New(string(k) + ".html").Option("missingkey=error").Parse(src)
		if err != nil {
			return nil, err
		}
		t.text[k], t.html[k] = tt, ht
		if _, err := t.Render(latch.Mail{Kind: k, To: "user@example.com", Name: "User", URL: "https://example.com/x?token=t"}); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Render renders m. The result has no ID or From yet.
func (t *Templates) Render(m latch.Mail) (*Message, error) {
	tt, ok := t.text[m.Kind]
	if !ok {
		return nil, fmt.Errorf("mail: no template for %q", m.Kind)
	}
	d := TemplateData{Name: m.Name, Email: m.To, URL: m.URL}
	var text, html bytes.Buffer
	if err := tt.Execute(&text, d); err != nil {
		return nil, err
	}
	if err := t.html[m.Kind].Execute(&html, d); err != nil {
		return nil, err
	}
	head, body, ok := strings.Cut(strings.ReplaceAll(text.String(), "\r\n", "\n"), "\n\n")
	subject, hasSubject := strings.CutPrefix(head, "Subject:")
	if !ok || !hasSubject || strings.Contains(head, "\n") {
		return nil, fmt.Errorf("mail: %s.txt must start with one \"Subject: ...\" line and a blank line", m.Kind)
	}
	return &Message{Kind: m.Kind, To: m.To, Subject: strings.TrimSpace(subject), Text: body,
		HTML: html.String(), Link: m.URL}, nil
}
