# count / for_each on resources and module calls: instance addresses, count.index, each.key / each.value, and module
# instances read back as maps (for_each) and lists (count).
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

# References to another resource's attributes stay references in agentlint (the identity graph follows them), so
# the cases read module outputs and variables instead.
resource "terraform_data" "case005" {
  input = [for i in range(3) : "item-${i}"]
}

resource "terraform_data" "case006" {
  input = { for k, v in var.roles : k => length(v) }
}

locals {
  agents = {
    support = { policies = ["arn:aws:iam::aws:policy/ReadOnlyAccess"], session = 3600 }
    billing = { policies = ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/IAMFullAccess"] }
  }
}

module "agent" {
  source   = "./modules/agent"
  for_each = local.agents
  name     = each.key
  policies = each.value.policies
}

module "counted" {
  source = "./modules/agent"
  count  = 2
  name   = "worker-${count.index}"
}

module "single" {
  source = "./modules/agent"
  name   = "solo"
}

module "off" {
  source = "./modules/agent"
  count  = 0
  name   = "never"
}

resource "terraform_data" "case020" {
  input = module.agent["billing"].role_name
}

resource "terraform_data" "case021" {
  input = { for k, m in module.agent : k => m.attachments }
}

resource "terraform_data" "case022" {
  input = module.counted[*].role_name
}

resource "terraform_data" "case023" {
  input = [for m in module.counted : m.session]
}

resource "terraform_data" "case024" {
  input = module.single.policy
}

resource "terraform_data" "case025" {
  input = length(module.off)
}

resource "terraform_data" "case026" {
  input = keys(module.agent)
}

resource "terraform_data" "case027" {
  for_each = module.agent
  input    = "${each.key}:${length(each.value.attachments)}"
}

resource "terraform_data" "case028" {
  for_each = toset(flatten([for k, a in local.agents : [for p in a.policies : "${k}/${basename(p)}"]]))
  input    = split("/", each.value)
}

resource "terraform_data" "case029" {
  count = length(local.agents["billing"].policies)
  input = { index = count.index, arn = local.agents["billing"].policies[count.index] }
}

resource "terraform_data" "case030" {
  for_each = { for k, a in local.agents : k => a if length(a.policies) > 1 }
  input    = jsonencode({ Statement = [for p in each.value.policies : { Effect = "Allow", Resource = p }] })
}

resource "terraform_data" "case031" {
  input = [basename("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"), dirname("a/b/c"), dirname("x"), basename("a/b/")]
}
