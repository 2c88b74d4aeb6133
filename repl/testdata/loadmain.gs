// The func main of a loaded file runs again with fresh flags.
:load flags.go.txt
main_()
main_()
func twice() { main_(); main_() }
twice()
