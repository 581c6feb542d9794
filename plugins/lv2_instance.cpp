// LV2 instances for HostedPluginNode: features, the worker thread, event buffers and
// state restore (lv2_instance_factory in lv2_catalog.h).
#include <lv2/atom/atom.h>
#include <lv2/buf-size/buf-size.h>
#include <lv2/options/options.h>
#include <lv2/parameters/parameters.h>
#include <lv2/state/state.h>
#include <lv2/worker/worker.h>

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "fxgraph/engine/errors.h"
#include "fxgraph/plugins/detail/lv2_world.h"
#include "fxgraph/plugins/lv2_catalog.h"
#include "fxgraph/plugins/worker_fifo.h"

namespace fxgraph {

namespace {

/// Keeps an LV2 plugin's library loaded for the rest of the process, as the LADSPA
/// catalog keeps its libraries: lilv unloads a library with its last instance, and every
/// recompile of a graph would then load it again and re-run its static initialisers,
/// whose allocations (x42's, mda's) become unreachable each time it is unloaded.
void pin_library(const LilvPlugin* plugin) {
  const LilvNode* library = lilv_plugin_get_library_uri(plugin);
  if (!library) return;
  char* path = lilv_file_uri_parse(lilv_node_as_uri(library), nullptr);
  if (!path) return;
  dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);  // a failure shows in instantiate
  lilv_free(path);
}

using detail::Lv2World;

constexpr std::size_t kWorkerFifoBytes = 1 << 16;
constexpr std::size_t kEventBufferBytes = 1 << 13;

/// The worker extension: schedule_work (called by the plugin, usually in run on the
/// audio thread) queues a request; a thread of the instance's own calls the plugin's
/// work(); its responses are queued back and delivered after the next run(), on the
/// audio thread, followed by end_run. The thread polls every millisecond rather than
/// being woken: waking it would be a syscall on the audio thread.
class Lv2Worker {
 public:
  Lv2Worker() : requests_(kWorkerFifoBytes), responses_(kWorkerFifoBytes) {
    message_.resize(kWorkerFifoBytes);
    response_.resize(kWorkerFifoBytes);
    schedule_ = {this, &Lv2Worker::schedule};
  }
  ~Lv2Worker() { stop(); }

  LV2_Worker_Schedule* schedule_feature() noexcept { return &schedule_; }

  /// Starts the thread for a plugin that has the worker interface. Control thread.
  void start(const LV2_Worker_Interface* interface, LV2_Handle handle) {
    interface_ = interface;
    handle_ = handle;
    running_ = true;
    thread_ = std::thread([this] { loop(); });
  }
  void stop() {
    running_ = false;
    if (thread_.joinable()) thread_.join();
  }

  /// Hands the plugin its queued responses, then ends the run. Audio thread.
  void deliver() noexcept {
    if (!interface_) return;
    while (const std::uint32_t size = responses_.next_size()) {
      responses_.pop(response_.data());
      if (interface_->work_response) interface_->work_response(handle_, size, response_.data());
    }
    if (interface_->end_run) interface_->end_run(handle_);
  }

 private:
  static LV2_Worker_Status schedule(LV2_Worker_Schedule_Handle self, std::uint32_t size,
                                    const void* data) {
    auto* worker = static_cast<Lv2Worker*>(self);
    return worker->requests_.push(data, size) ? LV2_WORKER_SUCCESS : LV2_WORKER_ERR_NO_SPACE;
  }
  static LV2_Worker_Status respond(LV2_Worker_Respond_Handle self, std::uint32_t size,
                                   const void* data) {
    auto* worker = static_cast<Lv2Worker*>(self);
    return worker->responses_.push(data, size) ? LV2_WORKER_SUCCESS : LV2_WORKER_ERR_NO_SPACE;
  }

  void loop() {
    while (running_) {
      if (const std::uint32_t size = requests_.next_size()) {
        requests_.pop(message_.data());
        interface_->work(handle_, &Lv2Worker::respond, this, size, message_.data());
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
  }

  WorkerFifo requests_;
  WorkerFifo responses_;
  std::vector<std::uint8_t> message_;   // the worker thread's copy of a request
  std::vector<std::uint8_t> response_;  // the audio thread's copy of a response
  LV2_Worker_Schedule schedule_{};
  const LV2_Worker_Interface* interface_ = nullptr;
  LV2_Handle handle_ = nullptr;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

using StatePtr = std::shared_ptr<LilvState>;

class Lv2Instance : public PluginInstance {
 public:
  Lv2Instance(const PluginDescription& description, const StatePtr& state, double sample_rate,
              std::uint32_t max_block)
      : sample_rate_(float(sample_rate)), max_block_(std::int32_t(max_block)) {
    Lv2World& lv2 = Lv2World::instance();
    const LV2_URID atom_int = lv2.map(LV2_ATOM__Int);
    const LV2_URID atom_float = lv2.map(LV2_ATOM__Float);
    sequence_type_ = lv2.map(LV2_ATOM__Sequence);
    chunk_type_ = lv2.map(LV2_ATOM__Chunk);
    options_[0] = {LV2_OPTIONS_INSTANCE, 0,        lv2.map(LV2_BUF_SIZE__minBlockLength),
                   sizeof(std::int32_t), atom_int, &min_block_};
    options_[1] = {LV2_OPTIONS_INSTANCE, 0,        lv2.map(LV2_BUF_SIZE__maxBlockLength),
                   sizeof(std::int32_t), atom_int, &max_block_};
    options_[2] = {LV2_OPTIONS_INSTANCE, 0,        lv2.map(LV2_BUF_SIZE__nominalBlockLength),
                   sizeof(std::int32_t), atom_int, &max_block_};
    options_[3] = {LV2_OPTIONS_INSTANCE, 0,          lv2.map(LV2_PARAMETERS__sampleRate),
                   sizeof(float),        atom_float, &sample_rate_};
    options_[4] = {LV2_OPTIONS_INSTANCE, 0, 0, 0, 0, nullptr};

    features_ = {{LV2_URID__map, lv2.map_feature()},
                 {LV2_URID__unmap, lv2.unmap_feature()},
                 {LV2_OPTIONS__options, options_},
                 {LV2_BUF_SIZE__boundedBlockLength, nullptr},
                 {LV2_WORKER__schedule, worker_.schedule_feature()},
                 {LV2_LOG__log, lv2.log_feature()},
                 {LV2_STATE__loadDefaultState, nullptr}};
    for (const LV2_Feature& feature : features_) feature_list_.push_back(&feature);
    feature_list_.push_back(nullptr);

    std::lock_guard lock(lv2.mutex());
    const LilvPlugin* plugin = lv2.plugin(description.id);
    if (plugin) {
      pin_library(plugin);
      instance_ = lilv_plugin_instantiate(plugin, sample_rate, feature_list_.data());
    }
    if (!instance_)
      throw ConfigError("LV2 plugin '" + description.id + "' failed to instantiate at " +
                            std::to_string(long(sample_rate)) + " Hz",
                        {.key = "plugin"});
    connect_side_ports(description, max_block);
    if (state)
      lilv_state_restore(state.get(), instance_, nullptr, nullptr, 0, feature_list_.data());
    const void* worker = lilv_instance_get_extension_data(instance_, LV2_WORKER__interface);
    if (worker)
      worker_.start(static_cast<const LV2_Worker_Interface*>(worker),
                    lilv_instance_get_handle(instance_));
  }

  ~Lv2Instance() override {
    worker_.stop();
    lilv_instance_free(instance_);
  }

  void connect_port(std::uint32_t index, void* data) noexcept override {
    lilv_instance_connect_port(instance_, index, data);
  }
  void activate() override { lilv_instance_activate(instance_); }
  void deactivate() override { lilv_instance_deactivate(instance_); }

  void run(std::uint32_t frames) noexcept override {
    // Event inputs start each run as empty sequences; outputs get their whole capacity.
    for (auto& buffer : event_inputs_) {
      auto* sequence = reinterpret_cast<LV2_Atom_Sequence*>(buffer.data());
      sequence->atom = {sizeof(LV2_Atom_Sequence_Body), sequence_type_};
      sequence->body = {0, 0};
    }
    for (auto& buffer : event_outputs_) {
      auto* atom = reinterpret_cast<LV2_Atom*>(buffer.data());
      *atom = {std::uint32_t(buffer.size() * sizeof(std::uint64_t) - sizeof(LV2_Atom)),
               chunk_type_};
    }
    lilv_instance_run(instance_, frames);
    worker_.deliver();
  }

 private:
  /// CV and atom ports: fxgraph has no signal for them, but every port must be connected.
  void connect_side_ports(const PluginDescription& description, std::uint32_t max_block) {
    for (const PluginPort& port : description.ports) {
      switch (port.role) {
        case PluginPortRole::cv_input:
        case PluginPortRole::cv_output:
          cv_buffers_.emplace_back(max_block, 0.0f);
          lilv_instance_connect_port(instance_, port.index, cv_buffers_.back().data());
          break;
        case PluginPortRole::event_input:
        case PluginPortRole::event_output: {
          auto& list = port.role == PluginPortRole::event_input ? event_inputs_ : event_outputs_;
          // The plugin's rsz:minimumSize when it asks for more (fil4's UI messages).
          const std::size_t bytes =
              std::max<std::size_t>(kEventBufferBytes, port.minimum_buffer_bytes);
          list.emplace_back((bytes + sizeof(std::uint64_t) - 1) / sizeof(std::uint64_t), 0);
          lilv_instance_connect_port(instance_, port.index, list.back().data());
          break;
        }
        default:
          break;
      }
    }
  }

  float sample_rate_;
  std::int32_t min_block_ = 1;
  std::int32_t max_block_;
  LV2_URID sequence_type_ = 0;
  LV2_URID chunk_type_ = 0;
  LV2_Options_Option options_[5];
  Lv2Worker worker_;
  std::vector<LV2_Feature> features_;
  std::vector<const LV2_Feature*> feature_list_;
  LilvInstance* instance_ = nullptr;
  // Lists of buffers that never grow after construction (their data() are connected).
  std::vector<std::vector<float>> cv_buffers_;
  std::vector<std::vector<std::uint64_t>> event_inputs_;
  std::vector<std::vector<std::uint64_t>> event_outputs_;
};

void collect_port_value(const char* symbol, void* user, const void* value, std::uint32_t size,
                        std::uint32_t type) {
  Lv2World& lv2 = Lv2World::instance();
  auto* out = static_cast<std::vector<std::pair<std::string, double>>*>(user);
  if (type == lv2.map(LV2_ATOM__Float) && size == sizeof(float))
    out->emplace_back(symbol, double(*static_cast<const float*>(value)));
  else if (type == lv2.map(LV2_ATOM__Double) && size == sizeof(double))
    out->emplace_back(symbol, *static_cast<const double*>(value));
  else if (type == lv2.map(LV2_ATOM__Int) && size == sizeof(std::int32_t))
    out->emplace_back(symbol, double(*static_cast<const std::int32_t*>(value)));
}

}  // namespace

Lv2Loaded lv2_instance_factory(const PluginDescription& plugin, const std::string& preset) {
  Lv2World& lv2 = Lv2World::instance();
  StatePtr state;
  {
    std::lock_guard lock(lv2.mutex());
    LilvWorld* world = lv2.world();
    if (!preset.empty()) {
      LilvNode* node = lilv_new_uri(world, preset.c_str());
      lilv_world_load_resource(world, node);
      state = StatePtr(lilv_state_new_from_world(world, lv2.map_feature(), node), lilv_state_free);
      lilv_node_free(node);
    } else {
      // The plugin's default state, when its data has one (state:state on the plugin).
      LilvNode* uri = lilv_new_uri(world, plugin.id.c_str());
      if (lilv_world_ask(world, uri, lv2.uri(LV2_STATE__state), nullptr))
        state = StatePtr(lilv_state_new_from_world(world, lv2.map_feature(), uri), lilv_state_free);
      lilv_node_free(uri);
    }
  }
  if (!preset.empty() && !state) {
    std::vector<std::string> known;
    for (const auto& [uri, label] : lv2_presets(plugin.id)) known.push_back(uri);
    throw ConfigError(
        "LV2 plugin '" + plugin.id + "' has no preset '" + preset + "'" +
            (known.empty() ? " (it has no presets)" : "; its presets are " + join_names(known)),
        {.key = "preset"});
  }
  Lv2Loaded loaded;
  if (state)
    lilv_state_emit_port_values(state.get(), collect_port_value, &loaded.state_port_values);
  loaded.factory = [plugin, state](double sample_rate, std::uint32_t max_block) {
    return std::make_unique<Lv2Instance>(plugin, state, sample_rate, max_block);
  };
  return loaded;
}

}  // namespace fxgraph
