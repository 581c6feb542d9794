#pragma once
// Internal to the LV2 host (not installed): the process-wide lilv world, the URID map
// and the log feature, shared by lv2_catalog.cpp and lv2_instance.cpp.

#include <lilv/lilv.h>
#include <lv2/log/log.h>
#include <lv2/urid/urid.h>

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace fxgraph::detail {

class Lv2World {
 public:
  /// The world, loaded on first use.
  static Lv2World& instance();

  /// lilv is not thread-safe: hold this around every lilv call.
  std::mutex& mutex() noexcept { return mutex_; }
  LilvWorld* world() const noexcept { return world_; }
  /// The plugin with this URI, or nullptr. Caller holds mutex().
  const LilvPlugin* plugin(const std::string& uri) const;
  /// An URI node owned by the world (freed with it). Caller holds mutex().
  const LilvNode* uri(const char* text);

  LV2_URID map(const char* uri);
  const char* unmap(LV2_URID urid);
  LV2_URID_Map* map_feature() noexcept { return &map_; }
  LV2_URID_Unmap* unmap_feature() noexcept { return &unmap_; }
  LV2_Log_Log* log_feature() noexcept { return &log_; }

  Lv2World(const Lv2World&) = delete;
  Lv2World& operator=(const Lv2World&) = delete;

 private:
  Lv2World();
  ~Lv2World();

  std::mutex mutex_;
  LilvWorld* world_ = nullptr;
  std::map<std::string, LilvNode*> uris_;

  std::mutex urid_mutex_;  // the map may be called from plugins' own threads
  std::map<std::string, LV2_URID> urids_;
  std::deque<std::string> uri_of_;  // urid - 1 → uri (a deque: unmap hands out c_str())
  LV2_URID_Map map_{};
  LV2_URID_Unmap unmap_{};
  LV2_Log_Log log_{};
};

}  // namespace fxgraph::detail
