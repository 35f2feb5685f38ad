{
  "targets": [
    {
      "target_name": "warden_fs",
      "sources": ["warden_fs.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Werror=implicit-function-declaration"],
      "conditions": [["OS!='linux'", {"type": "none"}]]
    }
  ]
}
