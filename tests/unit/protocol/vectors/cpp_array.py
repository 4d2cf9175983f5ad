"""Shared by the vector generators: writes bytes as a C++ `inline constexpr uint8_t` array."""


def write_array(f, name, data):
    f.write("inline constexpr uint8_t %s[] = {" % name)
    for i, byte in enumerate(data):
        if i % 16 == 0:
            f.write("\n   ")
        f.write(" 0x%02x," % byte)
    f.write("\n};\n")
