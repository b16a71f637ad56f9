# Shared by the embed scripts (cmake -P): the bytes of a file as a C++ char array definition.
#   embed_bytes(<path> <array name> <out var>) sets <out var> to
#   "constexpr char <array name>[<size> + 1] = {'\x..', …, '\0'};" (16 bytes a line) and
#   <out var>_SIZE to the file's size in bytes.
function(embed_bytes path array_name out_var)
  file(READ "${path}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  string(REPEAT "'[^']*'," 16 line_of_16)
  string(REGEX REPLACE "(${line_of_16})" "\\1\n" bytes "${bytes}")
  set(${out_var} "constexpr char ${array_name}[${size} + 1] = {\n${bytes}'\\0'};\n" PARENT_SCOPE)
  set(${out_var}_SIZE ${size} PARENT_SCOPE)
endfunction()
