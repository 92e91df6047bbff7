variable "cfg" {
  type = object({
    name = string
    size = optional(number, 2)
    nested = optional(object({
      a = optional(string, "x")
    }), {})
  })
  default = { name = "c" }
}

variable "cfgmap" {
  type = map(object({
    role    = optional(string, "reader")
    actions = optional(list(string), ["s3:GetObject"])
  }))
  default = { x = {}, y = { role = "writer", actions = ["s3:PutObject", "s3:GetObject"] } }
}

variable "tags" {
  type    = map(string)
  default = { team = "ml", env = "dev" }
}

variable "list_v" {
  type    = list(string)
  default = ["k", "l", "m"]
}

variable "list_one" {
  default = ["solo"]
}

variable "missing_default" {
  type    = string
  default = null
}

variable "empty" {
  default = ""
}

variable "name_v" {
  default = "agent-x"
}
