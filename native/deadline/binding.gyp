{
  "targets": [
    {
      "target_name": "warden_deadline",
      "sources": ["warden_deadline.cc"],
      "cflags_cc": ["-O2", "-Wall", "-Wextra", "-std=c++17", "-Wno-cast-function-type"],
      "conditions": [["OS!='linux'", {"type": "none"}]]
    }
  ]
}
