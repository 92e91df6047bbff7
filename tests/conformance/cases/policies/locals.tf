variable "account" {
  default = "123456789012"
}

variable "buckets" {
  type    = list(string)
  default = ["agent-data", "agent-logs"]
}

variable "actions" {
  type    = list(string)
  default = ["InvokeModel", "Converse"]
}

variable "prefix" {
  default = "runs/"
}

variable "model_ids" {
  default = ["anthropic.claude-v2", "amazon.titan"]
}

locals {
  base_statements = [
    { Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "arn:aws:logs:*:${var.account}:*" },
  ]
  policy_object = {
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["sqs:SendMessage"], Resource = [for b in var.buckets : "arn:aws:sqs:us-east-1:${var.account}:${b}"] }]
  }
}
