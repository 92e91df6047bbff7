from_tfvars = "from-file"
list_tfvars = ["p", "q", "r"]
num_tfvars  = 21
obj_tfvars  = { role = "runner", scopes = ["read", "write"] }
cfg_tfvars  = { a = "given" }
