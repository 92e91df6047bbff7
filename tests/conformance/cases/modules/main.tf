variable "env" {
  default = "prod"
}

locals {
  agents = ["planner", "executor"]
}

module "child" {
  source  = "./modules/child"
  name    = "agent-${var.env}"
  agents  = local.agents
  limits  = { max = 5 }
  options = { mode = "strict" }
}

module "policy" {
  source  = "./modules/policy"
  actions = ["bedrock:InvokeModel"]
  bucket  = "data-${var.env}"
}

resource "terraform_data" "case001" {
  input = module.child.summary
}

resource "terraform_data" "case002" {
  input = module.child.names
}

resource "terraform_data" "case003" {
  input = module.policy.document
}

resource "terraform_data" "case004" {
  input = upper(module.child.options.mode)
}

resource "terraform_data" "case005" {
  input = "${module.child.summary}/${length(module.child.names)}"
}
