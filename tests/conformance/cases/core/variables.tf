variable "name" {
  default = "agent"
}

variable "n" {
  type    = number
  default = 3
}

variable "tags" {
  type    = map(string)
  default = { team = "ml", env = "dev" }
}

variable "from_tfvars" {
  type = string
}

variable "list_tfvars" {
  type = list(string)
}

variable "num_tfvars" {
  type = number
}

variable "obj_tfvars" {
  type = object({
    role    = string
    ttl     = optional(number, 3600)
    scopes  = optional(list(string), ["read"])
    comment = optional(string)
  })
}

variable "cfg" {
  type = object({
    name    = string
    size    = optional(number, 2)
    enabled = optional(bool, true)
    label   = optional(string)
    nested = optional(object({
      a = optional(string, "x")
      b = optional(list(string), [])
    }), {})
  })
  default = { name = "c" }
}

variable "cfgs" {
  type = list(object({
    name = string
    port = optional(number, 443)
  }))
  default = [{ name = "a" }, { name = "b", port = 80 }]
}

variable "cfgmap" {
  type = map(object({
    role    = optional(string, "reader")
    actions = optional(list(string), ["s3:GetObject"])
  }))
  default = { x = {}, y = { role = "writer" } }
}

variable "cfg_tfvars" {
  type = object({
    a = string
    b = optional(string, "bdef")
  })
}

variable "nums_as_strings" {
  type    = list(string)
  default = [1, 2.5, true]
}

variable "set_v" {
  type    = set(string)
  default = ["b", "a", "b"]
}

variable "extra_attrs" {
  type    = object({ a = string })
  default = { a = "x", b = "dropped" }
}

variable "tuple_v" {
  type    = tuple([string, number, bool])
  default = ["a", "2", "true"]
}

variable "map_num" {
  type    = map(number)
  default = { a = "1", b = 2.5 }
}

variable "any_v" {
  type    = any
  default = { a = [1, "x"] }
}

variable "null_attr" {
  type = map(object({
    role = optional(string, "reader")
    ttl  = optional(number)
  }))
  default = { x = { role = null } }
}
