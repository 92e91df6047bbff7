# Cases that need count/for_each instance expansion (the lead's hcl.py work): the test skips this folder until
# that lands.
variable "roles" {
  default = { reader = ["s3:GetObject"], writer = ["s3:PutObject", "s3:DeleteObject"] }
}

resource "terraform_data" "case001" {
  count = 3
  input = "item-${count.index}"
}

resource "terraform_data" "case002" {
  for_each = var.roles
  input    = { name = each.key, actions = each.value }
}

resource "terraform_data" "case003" {
  for_each = toset(["b", "a"])
  input    = upper(each.value)
}

resource "terraform_data" "case004" {
  count = 2
  input = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::bucket-${count.index}/*" }] })
}

resource "terraform_data" "case005" {
  input = terraform_data.case001[*].input
}

resource "terraform_data" "case006" {
  input = { for k, v in terraform_data.case002 : k => length(v.input.actions) }
}
