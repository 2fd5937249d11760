package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"regexp"
	"sort"
	"strings"

	"sigs.k8s.io/cluster-api/cmd/clusterctl/client/yamlprocessor"
)

type variable struct {
	Name    string  `json:"name"`
	Default *string `json:"default"`
}

type envsubstCase struct {
	Text      string     `json:"text"`
	Output    *string    `json:"output,omitempty"`
	Error     string     `json:"error,omitempty"`
	Missing   []string   `json:"missing,omitempty"`
	Variables []variable `json:"variables,omitempty"`
}

// missingVariables reads the names out of the simple processor's "value for variables [...] is not
// set" error (its type is not exported).
var missingVariables = regexp.MustCompile(`^value for variables \[(.*)\] is not set`)

var errUnset = errors.New("variable not set")

// evaluateTemplate runs text through clusterctl's simple processor: the variable map it reports
// (sorted by name) and the result of Process with `values` as the only variables.
func evaluateTemplate(text string) (r envsubstCase) {
	r.Text = text
	defer func() {
		if p := recover(); p != nil {
			r.Output = nil
			r.Error = fmt.Sprintf("panic: %v", p)
		}
	}()
	processor := yamlprocessor.NewSimpleProcessor()
	found, err := processor.GetVariableMap([]byte(text))
	if err != nil {
		r.Error = err.Error()
		return r
	}
	for name, def := range found {
		r.Variables = append(r.Variables, variable{Name: name, Default: def})
	}
	sort.Slice(r.Variables, func(i, j int) bool { return r.Variables[i].Name < r.Variables[j].Name })
	out, err := processor.Process([]byte(text), func(name string) (string, error) {
		if v, ok := values[name]; ok {
			return v, nil
		}
		return "", errUnset
	})
	if err != nil {
		if m := missingVariables.FindStringSubmatch(err.Error()); m != nil {
			r.Error = "missing variables"
			r.Missing = strings.Split(m[1], ", ")
			return r
		}
		r.Error = err.Error()
		return r
	}
	s := string(out)
	r.Output = &s
	return r
}

var values = map[string]string{
	"var01":     "abcdEFGH28ij",
	"UPPER":     "ABCDEFGH28IJ",
	"path_name": "/home/bozo/ideas/thoughts.for.today",
	"filename":  "bash.string.txt",
	"stringZ":   "abcABC123ABCabc",
	"slashes":   "foo/bar/baz",
	"dotted":    "foo.bar",
	"empty":     "",
	"unicode":   "héllo wörld",
	"emoji":     "😀x😀",
	"sharp":     "ßtraße",
	"dotted_i":  "İstanbul",
	"number":    "12345",
	"pos":       "3",
	"len":       "4",
	"neg":       "-3",
	"default":   "from-default-var",
}

// handPicked covers every operator, drone's own examples and the quirks worth pinning down.
var handPicked = []string{
	"abcdEFGH28ij", "${#var01}", "${var01^}", "${var01^^}", "${UPPER,}", "${UPPER,,}", "${unicode^^}", "${sharp^^}",
	"${dotted_i,,}", "${dotted_i,}", "${emoji^}", "${#unicode}", "${#emoji}", "${#missing}",
	"${path_name:11}", "${path_name:11:5}", "${path_name:0:0}", "${path_name:-5}", "${path_name: -5}", "${path_name:100}",
	"${path_name:30:100}", "${path_name:x}", "${path_name:1:x}", "${path_name:${pos}:${len}}", "${path_name:${neg}}",
	"${path_name:+1:2}", "${path_name:1::2}", "${path_name:1:2:3}", "${unicode:1:1}", "${unicode:2}", "${emoji:1:3}",
	"${path_name:1:-1}", "${path_name:-3:-1}", "${path_name:9223372036854775807:9223372036854775807}",
	"${path_name:99999999999999999999}",
	"${filename#*.}", "${filename##*.}", "${filename%.*}", "${filename%%.*}", "${path_name#*/}", "${path_name##*/}",
	"${path_name%/*}", "${filename#[a-c]*}", "${filename#[^a]*}", "${filename#[}", "${filename#[a-}", "${filename#\\}",
	"${filename#????}", "${filename#zzz}", "${filename###}", "${filename#\\*}", "${filename%[t]}", "${filename%%[a-z]*}",
	"${emoji#?}", "${emoji%?}", "${unicode#h?}", "${filename#${dotted%.*}}",
	"${stringZ/abc/xyz}", "${stringZ//abc/xyz}", "${stringZ/#abc/XYZ}", "${stringZ/%abc/XYZ}", "${stringZ/#ABC/XYZ}",
	"${stringZ/%ABC/XYZ}", "${dotted/./}", "${slashes/\\//-}", "${slashes//\\//-}", "${slashes//\\\\/-}",
	"${stringZ//${dotted}/x}", "${stringZ//${empty}/-}", "${stringZ/${empty}/-}", "${stringZ/#${empty}/-}",
	"${stringZ/abc}", "${stringZ//abc}", "${stringZ/#abc}", "${stringZ/a/b/c}", "${stringZ/a//c}", "${stringZ/a}b/c}",
	"${var=xyz}", "${var:=xyz}", "${var:-xyz}", "${var:?xyz}", "${var:+xyz}", "${var01=xyz}", "${empty:=xyz}",
	"${empty=xyz}", "something ${var=${default}}", "foo: ${var=${default}-suffix}", "foo: ${var=prefix${default}-suffix}",
	"${var=${var01^^}}", "${var:-${other:-deep}}", "${var:=}", "${var:-}", "${var==x}", "${var:--x}", "${var:=a:b}",
	"${var:=a}b}", "${var:=$x}", "${var:=$${x}}", "${var:=\\}", "${var:=\\/}", "${var:=a${b}c${d}e}", "${A:=1} ${A:=2}",
	"$${var01}", "some text ${var01}$${var$${var01}$var01${var01}", "something $${var=${default}}", "$var01", "$$var01",
	"$$$${var01}", "$$${var01}", "\\\\something ${var=${default}}", "$", "$$", "a$", "${", "${}", "${ }", "}{$",
	"${ var01 }", "${ var01}", "${var01 }", "${\tvar01\t}", "${ var01:=x }", "${ $x }", "${var01",
	"${var-xyz}", "${var+xyz}", "${BA$R}", "${var01!}", "${-var}", "${#}", "${##var01}", "${#var01:-x}", "${var:}",
	"${var#}", "${var/}", "${var//}", "${var:-x", "${var^^x}", "${var,^}", "${var^,}", "${var^^^}", "${var01.x}",
	"${1abc:=digits first}", "${_:=underscore}", "${héllo:=letters}", "${x😀:=emoji}", "a\u0000${var01}",
	"${a:=${b:=${c:=${d:=deep}}}}", "${var01}${var01}${var01}",
}

func randomTemplates(n int) []string {
	rng := rand.New(rand.NewSource(20240131))
	pick := func(a []string) string { return a[rng.Intn(len(a))] }
	atoms := []string{"A", "b", ".", "*", "?", "[a-c]", "[^x]", "\\/", "/", " ", "é", "1", "-", "_", ":", "#", "%", "0",
		"$$", "\\\\", "x/", "~", "$", "{", "}", "${", "😀", "\n", "=", "+", "^", ","}
	names := []string{"var01", "UPPER", "path_name", "filename", "stringZ", "slashes", "empty", "unicode", "emoji", "unset", "pos"}
	ops := []string{"", "#", "##", "%", "%%", "^", "^^", ",", ",,", ":", "/", "//", "/#", "/%", "=", ":=", ":-", ":?", ":+",
		"-", "+", ":1", ":1:2", ":-1", ":2:-1", ":0:3", ":a"}
	text := func(k int) string {
		var b strings.Builder
		for i := 0; i < k; i++ {
			b.WriteString(pick(atoms))
		}
		return b.String()
	}
	var expr func(depth int) string
	expr = func(depth int) string {
		if rng.Intn(8) == 0 {
			return "${#" + pick(names) + "}"
		}
		op := pick(ops)
		var arg strings.Builder
		for i := rng.Intn(3); i > 0; i-- {
			if depth > 0 && rng.Intn(3) == 0 {
				arg.WriteString(expr(depth - 1))
			} else {
				arg.WriteString(text(rng.Intn(4)))
			}
		}
		a := arg.String()
		if strings.HasPrefix(op, "/") && rng.Intn(10) < 7 {
			a += "/" + text(rng.Intn(3))
		}
		closing := "}"
		if rng.Intn(12) == 0 {
			closing = ""
		}
		space := ""
		if rng.Intn(12) == 0 {
			space = " "
		}
		return "${" + space + pick(names) + op + a + closing
	}
	out := make([]string, 0, n)
	for len(out) < n {
		var b strings.Builder
		for i := 1 + rng.Intn(3); i > 0; i-- {
			if rng.Intn(2) == 0 {
				b.WriteString(text(rng.Intn(4)))
			} else {
				b.WriteString(expr(2))
			}
		}
		out = append(out, b.String())
	}
	return out
}

// envsubstCases: a first line with the variables, then one evaluated template per line.
func envsubstCases() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]interface{}{"vars": values}); err != nil {
		return nil, err
	}
	templates := append([]string{}, handPicked...)
	templates = append(templates, randomTemplates(500)...)
	for _, t := range templates {
		// Hand-picked entries spell \t, \n and \u0000 as escapes to keep this file readable.
		t = strings.NewReplacer("\\t", "\t", "\\n", "\n", "\\u0000", "\x00").Replace(t)
		if err := enc.Encode(evaluateTemplate(t)); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}
