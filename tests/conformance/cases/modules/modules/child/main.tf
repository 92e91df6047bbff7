variable "name" {
  type = string
}

variable "agents" {
  type = list(string)
}

variable "limits" {
  type = object({
    max = number
    min = optional(number, 1)
  })
}

variable "options" {
  type = object({
    mode    = string
    retries = optional(number, 3)
    labels  = optional(map(string), { owner = "platform" })
  })
}

variable "unused" {
  default = "default-value"
}

locals {
  names = [for a in var.agents : "${var.name}-${a}"]
}

resource "terraform_data" "case001" {
  input = var.name
}

resource "terraform_data" "case002" {
  input = local.names
}

resource "terraform_data" "case003" {
  input = var.limits
}

resource "terraform_data" "case004" {
  input = var.options
}

resource "terraform_data" "case005" {
  input = var.unused
}

resource "terraform_data" "case006" {
  input = { for i, n in local.names : n => i + var.limits.min }
}

output "summary" {
  value = "${var.name}:${var.limits.max}"
}

output "names" {
  value = local.names
}

output "options" {
  value = var.options
}
