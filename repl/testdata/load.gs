:load lib.go.txt
Shout("streams")
main_
func main() {}
