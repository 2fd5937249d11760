// Command envsubst-oracle evaluates templates with drone/envsubst, the library clusterctl uses, the
// way clusterctl's simple processor calls it (legacy spacing rewrite, first-occurrence inspection,
// missing required variables, then Eval), and prints the results as JSON lines. The templates are a
// hand-picked list plus pseudo-random ones from a fixed seed. scripts/update-envsubst-cases.sh uses it
// to record test/fixtures/envsubst-cases.jsonl for src/core/yaml/envsubst.test.ts; it is not part of
// clusterctl-ts.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/drone/envsubst/v2"
	"github.com/drone/envsubst/v2/parse"
)

type input struct {
	Text string            `json:"text"`
	Vars map[string]string `json:"vars"`
}

type variable struct {
	Name    string  `json:"name"`
	Default *string `json:"default"`
}

type result struct {
	Text      string     `json:"text"`
	Output    *string    `json:"output,omitempty"`
	Error     string     `json:"error,omitempty"`
	Missing   []string   `json:"missing,omitempty"`
	Variables []variable `json:"variables,omitempty"`
}

// The same pattern clusterctl uses for `${ VAR }`, `${ VAR}` and `${VAR }`.
var spaced = regexp.MustCompile(`(\${(\s+([A-Za-z0-9_$]+)\s+)})|(\${(\s+([A-Za-z0-9_$]+))})|(\${(([A-Za-z0-9_$]+)\s+)})`)
var blank = regexp.MustCompile(`\s`)

func inspect(text string) ([]variable, error) {
	tree, err := parse.Parse(text)
	if err != nil {
		return nil, err
	}
	var nodes []parse.Node
	var flatten func(n parse.Node)
	flatten = func(n parse.Node) {
		if l, ok := n.(*parse.ListNode); ok {
			for _, c := range l.Nodes {
				flatten(c)
			}
			return
		}
		nodes = append(nodes, n)
	}
	flatten(tree.Root)
	seen := map[string]bool{}
	var vars []variable
	for _, n := range nodes {
		f, ok := n.(*parse.FuncNode)
		if !ok || seen[f.Param] {
			continue
		}
		seen[f.Param] = true
		var b strings.Builder
		for _, a := range f.Args {
			switch w := a.(type) {
			case *parse.FuncNode:
				b.WriteString("${" + w.Param + "}")
			case *parse.TextNode:
				b.WriteString(w.Value)
			}
		}
		v := variable{Name: f.Param}
		if s := b.String(); s != "" {
			v.Default = &s
		}
		vars = append(vars, v)
	}
	return vars, nil
}

func evaluate(in input) (r result) {
	r.Text = in.Text
	defer func() {
		if p := recover(); p != nil {
			r.Output = nil
			r.Error = fmt.Sprintf("panic: %v", p)
		}
	}()
	text := spaced.ReplaceAllStringFunc(in.Text, func(m string) string { return blank.ReplaceAllString(m, "") })
	vars, err := inspect(text)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Variables = vars
	for _, v := range vars {
		if _, ok := in.Vars[v.Name]; !ok && v.Default == nil {
			r.Missing = append(r.Missing, v.Name)
		}
	}
	if len(r.Missing) > 0 {
		sort.Strings(r.Missing)
		r.Error = "missing variables"
		return r
	}
	out, err := envsubst.Eval(text, func(name string) string { return in.Vars[name] })
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Output = &out
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

func main() {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// The first line holds the variables every template is evaluated with.
	if err := enc.Encode(map[string]interface{}{"vars": values}); err != nil {
		os.Exit(1)
	}
	templates := append([]string{}, handPicked...)
	templates = append(templates, randomTemplates(500)...)
	for _, t := range templates {
		// Hand-picked entries spell \t, \n and \u0000 as escapes to keep this file readable.
		t = strings.NewReplacer("\\t", "\t", "\\n", "\n", "\\u0000", "\x00").Replace(t)
		if err := enc.Encode(evaluate(input{Text: t, Vars: values})); err != nil {
			fmt.Fprintln(os.Stderr, "envsubst-oracle:", err)
			os.Exit(1)
		}
	}
	if _, err := os.Stdout.Write(buf.Bytes()); err != nil {
		os.Exit(1)
	}
}
