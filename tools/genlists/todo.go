package main

import "io"

func printTodo(w io.Writer, root string, m *model) error { return nil }
