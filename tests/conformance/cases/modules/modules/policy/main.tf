variable "actions" {
  type = list(string)
}

variable "bucket" {
  type = string
}

locals {
  document = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = var.actions, Resource = "*" },
      { Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::${var.bucket}/*" },
    ]
  })
}

resource "terraform_data" "case001" {
  input = local.document
}

resource "terraform_data" "case002" {
  input = jsondecode(local.document).Statement[1].Resource
}

output "document" {
  value = local.document
}
