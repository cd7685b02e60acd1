# One StorefrontToken per platform, delivered to Kubernetes Secrets.
# Credentials and base URLs come from SFTOKEN_* environment variables (see
# docs/terraform.md: "Run the examples against the sandbox"); the defaults of
# the variables below are the sandbox's fixed ids.
#
# Try an origin change:   terraform apply -var 'storefront_origins=["https://new.shop.test"]'
# Try a revocation:       terraform apply -var revoke_wizcommerce=true

terraform {
  required_providers {
    sftoken = {
      source  = "storefront-token/sftoken"
      version = "0.1.0"
    }
  }
}

provider "sftoken" {
  # Platform credentials and base URLs: SFTOKEN_<PLATFORM>_<SETTING>, e.g.
  # SFTOKEN_CLOUDFLARE_API_TOKEN and SFTOKEN_CLOUDFLARE_BASE_URL.
  kubernetes {
    config_path = var.kubeconfig
  }
}

variable "kubeconfig" {
  type        = string
  description = "Kubeconfig of the cluster that receives the Secrets."
}

variable "namespace" {
  type    = string
  default = "default"
}

variable "bigcommerce_store_hash" {
  type    = string
  default = "sbx7k2m9qa"
}

variable "cloudflare_account_id" {
  type    = string
  default = "a5c1e0d4b7f24c3e9d8a6b2f1e0c9d7a"
}

variable "cloudflare_permission_group" {
  type        = string
  description = "Permission group id (the sandbox's \"Account Settings Read\")."
  default     = "6f7dc1aa798e6c8e0ddf671c48386a3c"
}

variable "wizcommerce_account_email" {
  type    = string
  default = "admin@sandbox.wizcommerce.test"
}

variable "avvyr_tenant_id" {
  type    = string
  default = "tnt_sandbox"
}

variable "storefront_origins" {
  type        = list(string)
  description = "Browser origins of the storefront; BigCommerce bakes them into the token (a change issues a new one), Avvyr updates them in place."
  default     = ["https://shop.example.test"]
}

variable "revoke_wizcommerce" {
  type    = bool
  default = false
}

resource "sftoken_storefront_token" "bigcommerce" {
  platform = "bigcommerce"
  bigcommerce = {
    store_hash           = var.bigcommerce_store_hash
    channel_ids          = [1]
    allowed_cors_origins = var.storefront_origins
  }
  lifetime = { ttl = "720h" }
  rotation = { overlap = "10m" }
  secret = {
    name      = "storefront-bigcommerce"
    namespace = var.namespace
    labels    = { app = "storefront" }
  }
}

resource "sftoken_storefront_token" "cloudflare" {
  platform     = "cloudflare"
  display_name = "storefront edge cache purge"
  cloudflare = {
    account_id = var.cloudflare_account_id
    policies = [{
      permission_groups = [var.cloudflare_permission_group]
      resources         = { "com.cloudflare.api.account.${var.cloudflare_account_id}" = "*" }
    }]
  }
  lifetime = { ttl = "2160h" }
  secret = {
    name      = "storefront-cloudflare"
    namespace = var.namespace
  }
}

resource "sftoken_storefront_token" "wizcommerce" {
  platform    = "wizcommerce"
  wizcommerce = { account_email = var.wizcommerce_account_email }
  revoked     = var.revoke_wizcommerce
  secret = {
    name      = "storefront-wizcommerce"
    namespace = var.namespace
    on_revoke = "Delete"
  }
}

resource "sftoken_storefront_token" "avvyr" {
  platform = "avvyr"
  avvyr = {
    tenant_id       = var.avvyr_tenant_id
    allowed_origins = var.storefront_origins
  }
  deletion_policy = "Revoke"
  secret = {
    name      = "storefront-avvyr"
    namespace = var.namespace
    keys      = { token = "AVVYR_STOREFRONT_TOKEN" }
  }
}

output "fingerprints" {
  description = "Which token each Secret holds, without revealing it."
  value       = { for k, t in {
    bigcommerce = sftoken_storefront_token.bigcommerce
    cloudflare  = sftoken_storefront_token.cloudflare
    wizcommerce = sftoken_storefront_token.wizcommerce
    avvyr       = sftoken_storefront_token.avvyr
  } : k => t.fingerprint }
}
