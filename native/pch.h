// Precompiled header shared by every translation unit of the addon.
#pragma once
#include <napi.h>
#include <torch/torch.h>
