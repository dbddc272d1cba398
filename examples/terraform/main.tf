# A small AWS module with compliant and non-compliant resources.
variable "environment" {
  default = "prod"
}

variable "kms_key_arn" {
  description = "Set per environment."
}

variable "encrypt_volumes" {
  description = "Set per environment; unknown here, so the encryption check is inconclusive, not failed."
  type        = bool
}

resource "aws_ebs_volume" "scratch" {
  availability_zone = "eu-west-1a"
  size              = 50
  encrypted         = var.encrypt_volumes
}

locals {
  prefix = "acme-${var.environment}"
}

# Compliant: encrypted through a linked (provider v4+) configuration resource.
resource "aws_s3_bucket" "audit_logs" {
  bucket = "${local.prefix}-audit-logs"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "audit_logs" {
  bucket = aws_s3_bucket.audit_logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
  }
}

resource "aws_s3_bucket_versioning" "audit_logs" {
  bucket = aws_s3_bucket.audit_logs.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "audit_logs" {
  bucket        = aws_s3_bucket.audit_logs.id
  target_bucket = aws_s3_bucket.exports.id
  target_prefix = "audit-logs/"
}

resource "aws_s3_bucket_public_access_block" "audit_logs" {
  bucket                  = aws_s3_bucket.audit_logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Non-compliant: no encryption, public ACL.
resource "aws_s3_bucket" "exports" {
  bucket = "${local.prefix}-exports"
  acl    = "public-read"
}

# Non-compliant: SSH open to the internet.
resource "aws_security_group" "bastion" {
  name        = "${local.prefix}-bastion"
  description = "Bastion host"

  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# Non-compliant: unencrypted, publicly accessible database without backups.
resource "aws_db_instance" "orders" {
  identifier              = "${local.prefix}-orders"
  engine                  = "postgres"
  instance_class          = "db.t3.medium"
  allocated_storage       = 20
  publicly_accessible     = true
  backup_retention_period = 0
}

# Non-compliant: administrator rights for everything.
resource "aws_iam_policy" "ops" {
  name = "${local.prefix}-ops"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*"
      Resource = "*"
    }]
  })
}
