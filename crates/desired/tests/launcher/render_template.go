// Renders a Job Launcher template (job.tpl or service.tpl) the way the Posit Job Launcher
// does: Go text/template with the operator's templates data defined next to it and the
// template functions the templates use (the subset of sprig they rely on, same semantics).
//
// usage: go run render_template.go DATA.tpl TEMPLATE.tpl JOB.json
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"text/template"
)

func empty(v interface{}) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return r.Len() == 0
	case reflect.Bool:
		return !r.Bool()
	case reflect.Int, reflect.Int64, reflect.Int32:
		return r.Int() == 0
	case reflect.Float64, reflect.Float32:
		return r.Float() == 0
	case reflect.Ptr, reflect.Interface:
		return r.IsNil()
	}
	return false
}

func toList(v interface{}) []interface{} {
	if v == nil {
		return nil
	}
	r := reflect.ValueOf(v)
	if r.Kind() != reflect.Slice && r.Kind() != reflect.Array {
		panic(fmt.Sprintf("not a list: %v", v))
	}
	out := make([]interface{}, r.Len())
	for i := range out {
		out[i] = r.Index(i).Interface()
	}
	return out
}

func deepCopy(v interface{}) interface{} {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out interface{}
	if err := json.Unmarshal(data, &out); err != nil {
		panic(err)
	}
	return out
}

func merge(dst map[string]interface{}, src map[string]interface{}) {
	for k, v := range src {
		if sm, ok := v.(map[string]interface{}); ok {
			if dm, ok := dst[k].(map[string]interface{}); ok {
				merge(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: render_template DATA.tpl TEMPLATE.tpl JOB.json")
		os.Exit(2)
	}
	read := func(path string) string {
		data, err := os.ReadFile(path)
		if err != nil {
			panic(err)
		}
		return string(data)
	}
	var job interface{}
	if err := json.Unmarshal([]byte(read(os.Args[3])), &job); err != nil {
		panic(err)
	}
	var t *template.Template
	funcs := template.FuncMap{
		"include": func(name string, data interface{}) (string, error) {
			var buf bytes.Buffer
			err := t.ExecuteTemplate(&buf, name, data)
			return buf.String(), err
		},
		"mustFromJson": func(s string) (interface{}, error) {
			var out interface{}
			err := json.Unmarshal([]byte(s), &out)
			return out, err
		},
		"toJson": func(v interface{}) string {
			data, err := json.Marshal(v)
			if err != nil {
				panic(err)
			}
			return string(data)
		},
		"default": func(d interface{}, v ...interface{}) interface{} {
			if len(v) == 0 || empty(v[0]) {
				return d
			}
			return v[0]
		},
		"dict": func(kv ...interface{}) map[string]interface{} {
			out := map[string]interface{}{}
			for i := 0; i+1 < len(kv); i += 2 {
				out[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return out
		},
		"set": func(m map[string]interface{}, k string, v interface{}) map[string]interface{} {
			m[k] = v
			return m
		},
		"deepCopy": deepCopy,
		"mergeOverwrite": func(dst map[string]interface{}, srcs ...map[string]interface{}) map[string]interface{} {
			for _, src := range srcs {
				merge(dst, src)
			}
			return dst
		},
		"list": func(v ...interface{}) []interface{} { return v },
		"append": func(l interface{}, v interface{}) []interface{} { return append(toList(l), v) },
		"prepend": func(l interface{}, v interface{}) []interface{} {
			return append([]interface{}{v}, toList(l)...)
		},
		"concat": func(ls ...interface{}) []interface{} {
			out := []interface{}{}
			for _, l := range ls {
				out = append(out, toList(l)...)
			}
			return out
		},
		"join": func(sep string, v interface{}) string {
			parts := []string{}
			for _, item := range toList(v) {
				parts = append(parts, fmt.Sprint(item))
			}
			return strings.Join(parts, sep)
		},
		"splitList": func(sep, s string) []string { return strings.Split(s, sep) },
	}
	t = template.Must(template.New("data").Funcs(funcs).Parse(read(os.Args[1])))
	tpl := template.Must(t.New("main").Parse(read(os.Args[2])))
	if err := tpl.Execute(os.Stdout, map[string]interface{}{"Job": job}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
