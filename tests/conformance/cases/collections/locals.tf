variable "tags" {
  type    = map(string)
  default = { team = "ml", env = "dev" }
}

variable "cfgs" {
  type = list(object({
    name = string
    port = optional(number, 443)
  }))
  default = [{ name = "a" }, { name = "b", port = 80 }]
}

locals {
  users = {
    alice = { admin = true, groups = ["ops", "dev"] }
    bob   = { admin = false, groups = ["dev"] }
  }
  nested_list = [{ items = ["a", "b"] }, { items = ["c"] }]
  single      = { name = "solo" }
  nothing     = null
}
