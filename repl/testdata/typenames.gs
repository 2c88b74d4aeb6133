// Compile errors name types as Go does.
func f() int {
  return "s"
}
