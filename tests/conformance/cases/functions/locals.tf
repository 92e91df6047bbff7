variable "tags" {
  type    = map(string)
  default = { team = "ml", env = "dev" }
}

locals {
  obj   = { present = "here" }
  roles = ["reader", "writer"]
}
