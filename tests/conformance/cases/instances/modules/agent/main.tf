variable "name" {
  type = string
}

variable "policies" {
  type    = list(string)
  default = []
}

variable "session" {
  type    = number
  default = 3600
}

# One instance per attachment, as an agent module attaches its managed policies.
resource "terraform_data" "attachment" {
  for_each = toset(var.policies)
  input    = { role = "${var.name}-agent", policy_arn = each.value }
}

output "role_name" {
  value = "${var.name}-agent"
}

output "attachments" {
  value = sort(var.policies)
}

output "session" {
  value = var.session * 2
}

output "policy" {
  value = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = "*" }] })
}
