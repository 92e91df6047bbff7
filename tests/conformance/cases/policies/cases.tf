resource "terraform_data" "case001" {
  input = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:ListBucket"], Resource = ["arn:aws:s3:::data", "arn:aws:s3:::data/*"] }] })
}

resource "terraform_data" "case002" {
  input = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "All", Effect = "Allow", Action = "*", Resource = "*" }] })
}

resource "terraform_data" "case003" {
  input = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "bedrock.amazonaws.com" }, Action = "sts:AssumeRole", Condition = { StringEquals = { "aws:SourceAccount" = var.account } } }] })
}

resource "terraform_data" "case004" {
  input = jsonencode({ Version = "2012-10-17", Statement = [for b in var.buckets : { Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::${b}/*" }] })
}

resource "terraform_data" "case005" {
  input = jsonencode({ Version = "2012-10-17", Statement = concat(local.base_statements, [{ Effect = "Deny", Action = "iam:*", Resource = "*" }]) })
}

resource "terraform_data" "case006" {
  input = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = [for a in var.actions : "bedrock:${a}"], Resource = "*", Condition = { "ForAnyValue:StringLike" = { "aws:RequestTag/team" = ["ml-*", "ai<ops>&co"] } } }] })
}

resource "terraform_data" "case007" {
  input = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:PutObject", Resource = "arn:aws:s3:::${var.buckets[0]}/${var.prefix}*", Condition = { NumericLessThan = { "s3:max-keys" = 10 }, Bool = { "aws:SecureTransport" = true } } }] })
}

resource "terraform_data" "case008" {
  input = jsonencode(local.policy_object)
}

resource "terraform_data" "case009" {
  input = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = distinct(concat(var.actions, ["InvokeModel"])), Resource = [for r in var.model_ids : "arn:aws:bedrock:us-east-1::foundation-model/${r}"] }] })
}

resource "terraform_data" "case010" {
  input = jsondecode(jsonencode({ Statement = [{ Action = "s3:*" }] })).Statement[0].Action
}

resource "terraform_data" "case011" {
  input = local.policy_object.Statement[0].Resource
}

resource "terraform_data" "case012" {
  input = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", NotAction = ["iam:*"], Resource = "*" }, { Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::${var.account}:role/agent-*", Condition = { StringEquals = { "iam:PassedToService" = "lambda.amazonaws.com" } } }] })
}
